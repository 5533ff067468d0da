"""The demo year (`matching seed demo`); its code lives in matching.demo, inside the package."""
from matching.demo import DemoReport, build_demo

__all__ = ["DemoReport", "build_demo"]
