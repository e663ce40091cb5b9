from swk.cli import main

raise SystemExit(main())
