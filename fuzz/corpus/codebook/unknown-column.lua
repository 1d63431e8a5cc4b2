variable "q?" { label = "x" }
variable "nosuch" { label = "y" }
