from reputation.cli import main

raise SystemExit(main())
