"""What an analysis writes: summary JSON and step tables, plots, `.trc`/`.mot`, the annotated video."""
