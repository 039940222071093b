"""The guideline eval suite: cases in ``evals/cases/`` run through the real service path."""
