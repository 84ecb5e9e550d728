"""Saves {'loss': 2.0} with torch.save to argv[1] (the integral-float case)."""
import sys

import torch

torch.save({'loss': 2.0}, sys.argv[1])
