from .context import RequestInfo, client_ip, reset_request_info, set_request_info


class RequestContextMiddleware:
    """Record the client address and path of the current request for audit entries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_info(
            RequestInfo(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                path=request.path[:300],
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_info(token)
