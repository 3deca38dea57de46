from django.urls import path

from . import views

app_name = "basket"
urlpatterns = [
    path("", views.basket_detail, name="detail"),
    path("add/", views.basket_add_view, name="add"),
    path("update/", views.basket_update_view, name="update"),
    path("code/", views.basket_code_view, name="code"),
]
