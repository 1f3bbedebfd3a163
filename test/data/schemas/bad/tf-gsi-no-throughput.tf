resource "aws_dynamodb_table" "t" {
  name           = "t-gsi-no-throughput"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "pk"
  range_key      = "sk"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  attribute {
    name = "message_group_uuid"
    type = "S"
  }

  global_secondary_index {
    name            = "message-group-sk-index"
    hash_key        = "message_group_uuid"
    range_key       = "sk"
    projection_type = "ALL"
  }
}
