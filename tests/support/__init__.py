"""What the test suites, e2e and the bench share, one job a module: ``idx`` (a sign-in driven step by step),
``idx_app`` (a whole sign-in, as an app under test does it), ``idx_documents`` (reading IDX answers), ``pkce``,
``net`` (free ports) and ``fixtures`` (an app in the test's loop). Only ``fixtures`` imports pytest, so the bench can
use the rest."""
