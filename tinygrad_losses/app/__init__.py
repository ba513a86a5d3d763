"""What is built on the library rather than part of it: the command line, the training loop, the
toy data sets, plots, and the optional-extras hints."""
