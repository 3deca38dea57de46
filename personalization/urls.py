from django.urls import path

from . import views

app_name = "personalization"
urlpatterns = [
    path("why/", views.why, name="why"),
    path("region/", views.region, name="region"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/consent/", views.consent, name="consent"),
    path("preview/", views.preview, name="preview"),
]
