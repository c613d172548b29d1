from currents.cli import main

raise SystemExit(main())
