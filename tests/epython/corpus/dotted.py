from math import sqrt
print math.sqrt(4.0)
print sqrt(9)
