"""Utilities in torch's places: ``tinygrad_losses.utils.data.DataLoader`` and ``TensorDataset``."""
