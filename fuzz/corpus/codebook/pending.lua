variable "q1"
weight "w"
