from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("find/", views.order_find, name="find"),
    path("<str:number>/", views.order_detail, name="detail"),
]
