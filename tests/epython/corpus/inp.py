a=input()
b=input("name?")
print a+b
