variable "env" {
  description = "deployment environment; give it with --var env=..."
  type        = string
}

variable "billing" {
  type    = string
  default = "PAY_PER_REQUEST"
}

variable "pitr" {
  type    = bool
  default = true
}

resource "aws_dynamodb_table" "messages" {
  name         = "${var.env}-messages"
  billing_mode = var.billing
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.pitr
  }

  tags = {
    env    = var.env
    label  = "${ var.env }/$${literal}"
  }
}
