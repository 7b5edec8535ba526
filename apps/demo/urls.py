from django.urls import path

from apps.demo import views

app_name = "demo"

urlpatterns = [
    path("", views.home, name="home"),
    path("guestbook/", views.guestbook, name="guestbook"),
    path("guestbook/entries/", views.entries, name="entries"),
    path("api/messages/", views.api_messages, name="api-messages"),
]
