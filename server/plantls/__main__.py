"""Allow ``python -m plantls``."""

from plantls.cli.main import main

raise SystemExit(main())
