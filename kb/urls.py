from django.urls import path

from . import views

app_name = "kb"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/vote/", views.article_vote, name="vote"),
    path("<int:pk>/link/", views.article_link, name="link"),
    path("<int:pk>/attach/", views.article_attach, name="attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("search/", views.search, name="search"),
]
