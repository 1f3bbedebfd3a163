resource "aws_dynamodb_table" "t" {
  name         = "t-dynamic"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  dynamic "attribute" {
    for_each = ["pk"]
    content {
      name = attribute.value
      type = "S"
    }
  }
}
