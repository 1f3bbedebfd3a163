resource "aws_dynamodb_table" "t" {
  name = "bad_in"
  hash_key = "pk"
  billing_mode = 3 +
}
