x=3
print(x)
print (x+1)*2
