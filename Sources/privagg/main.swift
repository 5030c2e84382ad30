print("privagg")
