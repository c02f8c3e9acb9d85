"""In AWS the Lambdas get the Aurora secret's ARN, not a URL: the store builds the URL from it."""

from __future__ import annotations

import json

import boto3
from moto import mock_aws

from flextime.store.db import StoreSettings, database_url


@mock_aws
def test_database_url_is_built_from_the_rds_secret(monkeypatch):
    # Given an RDS-shaped secret (a password with characters that need quoting)
    client = boto3.client("secretsmanager", region_name="us-east-1")
    secret = {
        "host": "db.cluster.local",
        "port": 5432,
        "username": "flextime",
        "password": "p@ss/w:rd",
        "dbname": "flextime",
    }
    arn = client.create_secret(Name="flextime-db", SecretString=json.dumps(secret))["ARN"]
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # When
    url = database_url(StoreSettings(database_url=None, database_secret_arn=arn))
    # Then
    assert url == "postgresql://flextime:p%40ss%2Fw%3Ard@db.cluster.local:5432/flextime?sslmode=require"


def test_an_explicit_url_wins_over_the_secret():
    settings = StoreSettings(
        database_url="postgresql://u@h/d", database_secret_arn="arn:aws:secretsmanager:x"
    )
    assert database_url(settings) == "postgresql://u@h/d"
