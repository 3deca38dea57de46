from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("dismiss/", views.dismiss, name="dismiss"),
    path("why/<slug:place>/", views.why, name="why"),
]
