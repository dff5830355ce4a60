#!/usr/bin/env python3
"""Writes harbour-posts.csv, the sample of examples/social-harvest.toml: public posts of
hotel guests as a scraping vendor would deliver them (handle, e-mail matched by the vendor,
city, age band, post text, check-in coordinates). Synthetic and deterministic: the same bytes
on every run. Usage: python3 posts.py > harbour-posts.csv
"""
import csv
import random
import sys

rng = random.Random(2026)
CITIES = ["London", "Brighton", "Bath", "York", "Edinburgh", "Lisbon", "Porto", "Nice"]
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
FIRST = ["anna", "ben", "chloe", "dev", "emma", "farid", "grace", "hugo", "ines", "jon", "kira", "leo"]
POSTS = [
    "Sunset from the terrace, what a view",
    "Breakfast buffet was amazing this morning",
    "Checked in at the Harbour Hotel spa, so relaxing",
    "Anniversary dinner by the sea",
    "Long weekend away with the gang",
    "Rainy day, reading by the fire",
    # what a guest's public posts reveal (the pack's keywords)
    "Finally a quiet room to recover after my chemo week",
    "Kids loved the pool, our daughter turns 6 on Sunday, birthday party in the garden",
    "Found a halal restaurant two streets from the hotel",
    "Ramadan evenings by the harbour are beautiful",
    "Back on my antidepressants and taking it slow, therapy tomorrow",
    "Hangover cure: the hotel's full English",
    "Nicotine patch day 10, proud of myself",
    "School holidays with the kids, survived the flight",
    "Pregnancy cravings at midnight, room service saved me",
]


def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["handle", "email", "city", "age_band", "post_text", "checkin_latlon"])
    guests = []
    for i in range(60):
        name = f"{rng.choice(FIRST)}{rng.randint(10, 99)}"
        guests.append((f"@{name}", f"{name}@mail.example", rng.choice(CITIES), rng.choice(AGES)))
    for _ in range(400):
        handle, email, city, age = rng.choice(guests)
        lat, lon = 50.8 + rng.random() / 10, -0.14 + rng.random() / 10
        out.writerow([handle, email, city, age, rng.choice(POSTS), f"{lat:.5f}, {lon:.5f}"])


if __name__ == "__main__":
    main()
