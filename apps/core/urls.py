from django.urls import path

from apps.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("csp-report/", views.csp_report, name="csp-report"),
    path("favicon.ico", views.favicon, name="favicon"),
]
