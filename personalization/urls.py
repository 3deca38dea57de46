from django.urls import path

from . import views

app_name = "personalization"
urlpatterns = [
    path("why/", views.why, name="why"),
    path("region/", views.region, name="region"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/consent/", views.consent, name="consent"),
    path("preview/", views.preview, name="preview"),
    path("preview/link/", views.preview_link, name="preview_link"),
    path("preview/open/<str:token>/", views.preview_open, name="preview_open"),
    path("preview/segment/<int:pk>/", views.preview_segment, name="preview_segment"),
    path("why/slot/<slug:key>/", views.why_slot, name="why_slot"),
    path("profile/answer/", views.profile_answer, name="profile_answer"),
    path("profile/dismiss/", views.profile_dismiss, name="profile_dismiss"),
    path("profile/forget/", views.profile_forget, name="profile_forget"),
    path("privacy/export/", views.profile_export_view, name="export"),
    path("privacy/erase/", views.erase, name="erase"),
    path("admin-widgets/condition-value/", views.condition_widget, name="condition_widget"),
]
