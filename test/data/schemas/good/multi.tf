/*
 * Several tables in one file, among blocks ddb skips.
 */
terraform {
  required_version = ">= 1.5"
  backend "s3" {
    bucket = "state"
    key    = "dynamodb/terraform.tfstate"
  }
}

locals {
  common_tags = merge(var.extra_tags, { owner = "team-${var.team}" })
  names       = [for n in ["a", "b"] : upper(n) if n != ""]
  by_name     = { for k, v in var.map : k => v... }
  enabled     = var.env == "prod" ? true : false
  ratio       = -1.5e3 * (2 + 3) % 4
  splat       = aws_instance.web[*].id
  legacy      = aws_instance.web.0.id
}

resource "aws_iam_policy" "p" {
  name   = "p"
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "${aws_dynamodb_table.a.arn}"}]
    }
    POLICY
}

resource "aws_dynamodb_table" "a" { # one-line comments after a brace
  name         = "good-multi-a"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  stream_enabled   = true
  stream_view_type = "KEYS_ONLY"
  deletion_protection_enabled = true
  table_class  = "STANDARD"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute { name = "sk"
    type = "S" }
  attribute {
    name = "lsi_sk"
    type = "N"
  }

  local_secondary_index {
    name               = "by-lsi-sk"
    range_key          = "lsi_sk"
    projection_type    = "INCLUDE"
    non_key_attributes = ["title", "body",]
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = {
    Name          = "good-multi-a"
    "cost-center" = 1234
    enabled       = true
  }

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [read_capacity, write_capacity]
  }

  timeouts {
    create = "10m"
  }
}

resource "aws_dynamodb_table" "b" {
  name     = "good-multi-b"
  hash_key = "id"
  read_capacity  = 3 // capacities as numbers
  write_capacity = "4"

  attribute {
    name = "id"
    type = "N"
  }
  attribute {
    name = "email"
    type = "S"
  }

  global_secondary_index {
    name            = "by-email"
    hash_key        = "email"
    projection_type = "ALL"
    read_capacity   = 1
    write_capacity  = 1
  }

  ttl {
    enabled = false
  }

  point_in_time_recovery {
    enabled = false
  }

  depends_on = [aws_iam_policy.p]
}

output "arns" {
  value = [aws_dynamodb_table.a.arn, aws_dynamodb_table.b.arn]
}

module "other" {
  source = "./other"
  count  = length(var.list) > 0 ? 1 : 0
}
