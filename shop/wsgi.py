import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

application = get_wsgi_application()

# What start-up loaded (Django, the apps, their modules) lives as long as the worker: the
# garbage collector need not walk it again at every full collection, which shortens the
# pauses that make a request's tail.
gc.freeze()
