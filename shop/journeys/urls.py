from django.urls import path

from . import views

app_name = "journeys"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("<int:pk>/go/", views.message_go, name="go"),
    path("choice/", views.marketing_choice, name="choice"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
