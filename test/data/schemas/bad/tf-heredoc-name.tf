resource "aws_dynamodb_table" "t" {
  name = <<EOT
t-heredoc
EOT
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
