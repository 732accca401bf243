from mlgov.cli import main

main()
