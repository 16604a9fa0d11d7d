"""A minimal web app that signs in through Okta IDX the way Okta's ASP.NET Okta Verify guide describes.

`reference_client.idx` is the reusable async IDX client; `reference_client.app.create_app` builds the web app.
It never imports mock_idx: point it at any Okta org or at a mock-idx server. It ships in the mock-idx distribution,
so ``__version__`` is that distribution's version, read from the installed metadata here rather than from mock_idx.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mock-idx")
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"
