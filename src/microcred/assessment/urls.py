from django.urls import path

from . import views

app_name = "assessment"
course = "assessment/<slug:slug>/"
attempt = f"{course}attempts/<int:pk>/"
instructor = "instructor/assessment/"
urlpatterns = [
    path(course, views.overview, name="overview"),
    path(f"{course}quizzes/<slug:item>/", views.quiz, name="quiz"),
    path(f"{course}quizzes/<slug:item>/start/", views.quiz_start, name="quiz_start"),
    path(f"{course}exam/", views.exam, name="exam"),
    path(f"{course}exam/start/", views.exam_start, name="exam_start"),
    path(attempt, views.attempt, name="attempt"),
    path(f"{attempt}check/<uuid:question>/", views.attempt_check, name="attempt_check"),
    path(f"{attempt}save/", views.attempt_save, name="attempt_save"),
    path(f"{attempt}submit/", views.attempt_submit, name="attempt_submit"),
    path(f"{course}labs/<slug:item>/", views.lab, name="lab"),
    path(f"{course}labs/<slug:item>/submit/", views.lab_submit, name="lab_submit"),
    path(f"{course}lab-submissions/<int:pk>/", views.lab_submission, name="lab_submission"),
    path(
        f"{course}lab-submissions/<int:pk>/status/",
        views.lab_submission_status,
        name="lab_submission_status",
    ),
    path(f"{course}capstone/", views.capstone, name="capstone"),
    path(f"{course}capstone/submit/", views.capstone_submit, name="capstone_submit"),
    path(f"{course}capstone/ethics/", views.ethics_submit, name="ethics_submit"),
    path(f"{course}peer-reviews/<int:pk>/", views.peer_review, name="peer_review"),
    path(
        "assessment/capstone-files/<int:pk>/<str:part>/",
        views.capstone_file,
        name="capstone_file",
    ),
    path(instructor, views.instructor_queue, name="instructor_queue"),
    path(f"{instructor}capstones/<int:pk>/", views.grade_capstone, name="grade_capstone"),
    path(f"{instructor}ethics/<int:pk>/", views.review_ethics, name="review_ethics"),
    path(
        f"{instructor}capstone-items/<int:pk>/assign-peers/",
        views.assign_peers,
        name="assign_peers",
    ),
]
