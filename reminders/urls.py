from django.urls import path

from reminders import views

app_name = "reminders"
urlpatterns = [
    path("reminders/", views.ReminderListView.as_view(), name="reminder_list"),
    path("reminders/<int:pk>/acknowledge/", views.reminder_acknowledge, name="reminder_acknowledge"),
]
