from django.core.exceptions import BadRequest


class RejectNulBytes:
    """A NUL character in a query or a form field is never meant, and PostgreSQL refuses to
    store or compare it: answer 400 before any view sees it. Multipart uploads are left to
    their views, which check every field they use (and answer an oversized body in kind)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = [request.GET]
        if request.content_type == "application/x-www-form-urlencoded":
            queries.append(request.POST)
        for query in queries:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    raise BadRequest("A field holds a NUL character.")
        return self.get_response(request)
