from hippo.entrypoints.cli import main

raise SystemExit(main())
