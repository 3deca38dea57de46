from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("ask/", views.ask, name="ask"),
    path("c/<str:signed>/", views.conversation_page, name="conversation"),
    path("c/<str:signed>/poll/", views.poll, name="poll"),
    path("c/<str:signed>/rate/", views.rate, name="rate"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/report/", views.report, name="report"),
    path("inbox/<str:token>/", views.inbox_conversation, name="inbox_conversation"),
]
