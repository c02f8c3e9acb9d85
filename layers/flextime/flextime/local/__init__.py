"""The local cloud: moto (S3, EventBridge, SQS, Lambda, Step Functions with execution enabled)
running the SAME ASL files CDK deploys, Lambda tasks bound to the in-process handlers at one seam
(:mod:`flextime.local.lambdas`), embedded PostgreSQL, and a live progress display."""
