from django.contrib import admin

from apps.demo.models import Message, SiteCounter


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "created_at", "body")
    search_fields = ("name", "body")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)


@admin.register(SiteCounter)
class SiteCounterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "visits")
