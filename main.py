from source_halopsa.run import run

if __name__ == "__main__":
    run()
