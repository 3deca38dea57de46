from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="products"),
    path("search/", views.product_list, name="search"),
    path("c/<slug:slug>/", views.product_list, name="category"),
    path("p/<slug:slug>/", views.product_detail, name="product"),
]
