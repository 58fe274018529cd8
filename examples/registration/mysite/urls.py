from django.urls import path

from accounts import views, views_fixed

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register-fixed/", views_fixed.register, name="register-fixed"),
]
