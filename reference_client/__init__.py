"""A minimal web app that signs in through Okta IDX the way Okta's ASP.NET Okta Verify guide describes.

`reference_client.idx` is the reusable async IDX client; `reference_client.app.create_app` builds the web app.
It never imports mock_idx: point it at any Okta org or at a mock-idx server.
"""
