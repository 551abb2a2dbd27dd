"""Rendering is pure: a feed definition plus its entries give bytes."""
