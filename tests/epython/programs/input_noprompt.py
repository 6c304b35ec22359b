/* input() with no prompt: the host shows "device N> " and reads a line; 2.5 is a real */
r=input()
print r*2
