"""The discussion pages: topics (newest activity first), a topic with its replies, new
topics and replies, edits, and the organizers' moderation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from competition.access import get_competition, is_organizer
from discussion import posting
from discussion.forms import PostForm, TopicForm
from discussion.models import Post

TOPICS_PER_PAGE = 25
POSTS_PER_PAGE = 30

organizer_required = user_passes_test(is_organizer)


def _refusal(request) -> posting.Refused | None:
    try:
        posting.check_may_post(request)
    except posting.Refused as refused:
        return refused
    return None


def _status(request, refused) -> int:
    """200 for a page shown, 400 for a post refused, 429 for one too fast."""
    if request.method != "POST":
        return 200
    return 429 if isinstance(refused, posting.Throttled) else 400


def topic_list(request, slug):
    competition = get_competition(slug)
    topics = posting.visible_topics(competition, request.user).select_related("author")
    page = Paginator(topics.order_by("-pinned", "-last_activity_at", "-id"), TOPICS_PER_PAGE)
    context = {
        "competition": competition,
        "page": page.get_page(request.GET.get("page")),
        "may_post": request.user.is_authenticated,
    }
    return render(request, "discussion/topic_list.html", context)


@login_required
def topic_new(request, slug):
    competition = get_competition(slug)
    organizer = is_organizer(request.user)
    form = TopicForm(request.POST or None, organizer=organizer)
    refused = None
    if request.method == "POST":
        refused = _refusal(request)
        if refused is None and form.is_valid():
            data = form.cleaned_data
            topic = posting.start_topic(
                competition,
                request.user,
                data["title"],
                data["body"],
                data.get("announcement", False),
            )
            return redirect("discussion:topic", slug, topic.pk)
    else:
        refused = _verified_refusal(request)
    context = {"competition": competition, "form": form, "refused": refused}
    return render(request, "discussion/topic_new.html", context, status=_status(request, refused))


def _verified_refusal(request):
    """Say at once, before anything is typed, when posting needs a confirmed address."""
    return None if posting.may_post_as(request.user) else posting.NEEDS_ADDRESS


def topic_detail(request, slug, topic_id):
    topic = posting.get_topic_for_user(request.user, slug, topic_id)
    form = PostForm(request.POST or None)
    refused = None
    if request.method == "POST":
        refused = _refusal(request)
        if refused is None and form.is_valid():
            try:
                post = posting.reply(topic, request.user, form.cleaned_data["body"])
            except posting.Refused as exc:
                refused = exc
            else:
                last = Paginator(posting.visible_posts(topic, request.user), POSTS_PER_PAGE)
                return redirect(f"{request.path}?page={last.num_pages}#post-{post.pk}")
    elif request.user.is_authenticated:
        refused = _verified_refusal(request)
    page = Paginator(posting.visible_posts(topic, request.user), POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for post in page.object_list:
        post.editable = post.editable_by(request.user)
    context = {
        "competition": topic.competition,
        "topic": topic,
        "page": page,
        "form": form,
        "refused": refused,
        "organizer": is_organizer(request.user),
        "following": request.user.is_authenticated
        and topic.followers.filter(pk=request.user.pk).exists(),
    }
    return render(
        request, "discussion/topic_detail.html", context, status=_status(request, refused)
    )


def _own_post(request, post_id):
    post = get_object_or_404(Post.objects.select_related("topic__competition"), pk=post_id)
    # A hidden topic's posts are as missing as the topic.
    posting.get_topic_for_user(request.user, post.topic.competition.slug, post.topic_id)
    return post


@login_required
def post_edit(request, post_id):
    post = _own_post(request, post_id)
    if not post.editable_by(request.user):
        messages.error(request, "A post can be edited by its author for 30 minutes.")
        return redirect("discussion:topic", post.topic.competition.slug, post.topic_id)
    form = PostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        posting.edit(post, request.user, form.cleaned_data["body"])
        return redirect(
            f"/c/{post.topic.competition.slug}/discussion/{post.topic_id}/#post-{post.pk}"
        )
    context = {"competition": post.topic.competition, "post": post, "form": form}
    return render(request, "discussion/post_edit.html", context)


@login_required
@require_POST
def topic_follow(request, slug, topic_id):
    topic = posting.get_topic_for_user(request.user, slug, topic_id)
    if request.POST.get("follow") == "1":
        topic.followers.add(request.user)
        messages.success(request, "You follow this topic.")
    else:
        topic.followers.remove(request.user)
        messages.success(request, "You no longer follow this topic.")
    return redirect("discussion:topic", slug, topic.pk)


@organizer_required
@require_POST
def topic_moderate(request, slug, topic_id):
    topic = posting.get_topic_for_user(request.user, slug, topic_id)
    action = request.POST.get("action")
    if action in ("lock", "unlock"):
        topic.locked = action == "lock"
    elif action in ("pin", "unpin"):
        topic.pinned = action == "pin"
    topic.save(update_fields=["locked", "pinned"])
    return redirect("discussion:topic", slug, topic.pk)


@organizer_required
@require_POST
def post_moderate(request, post_id):
    post = get_object_or_404(Post.objects.select_related("topic__competition"), pk=post_id)
    posting.set_hidden(post, request.POST.get("action") == "hide")
    return redirect(f"/c/{post.topic.competition.slug}/discussion/{post.topic_id}/#post-{post.pk}")
