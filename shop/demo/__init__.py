"""Demo data for Storefront: `manage.py load_demo`, its data files and drawn pictures.

This app sits on top of the others: it may import any of them, and none imports it.
"""
