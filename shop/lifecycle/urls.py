from django.urls import path

from . import views

app_name = "lifecycle"
urlpatterns = [
    path("reorder/<int:product_id>/", views.reorder, name="reorder"),
    path("care/<slug:slug>/", views.guide, name="guide"),
    path("review/<int:product_id>/", views.review, name="review"),
]
