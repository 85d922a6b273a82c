from diplosearch.cli import main

raise SystemExit(main())
