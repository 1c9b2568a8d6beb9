"""The demo's fictional names: places, brands and people, drawn from word lists with the plan's random
generator, leaving out real places so every employer's name stays fictional."""

from __future__ import annotations

import random

from asye.tenancy.models import EmployerType, Region

METROPOLITAN_REGIONS = {
    Region.NORTH_EAST,
    Region.NORTH_WEST,
    Region.YORKSHIRE_AND_HUMBER,
    Region.WEST_MIDLANDS,
}

PLACE_STARTS = (
    "Ash", "Bar", "Black", "Bram", "Bright", "Brook", "Cal", "Clay", "Cold", "Crow", "Dun", "East", "Elm",
    "Fair", "Fern", "Glen", "Gold", "Green", "Hal", "Hart", "Haw", "Hazel", "High", "Holm", "Kings", "Lang",
    "Lark", "Long", "Marl", "Mill", "Nether", "North", "Oak", "Pen", "Red", "Rook", "Rose", "Salt", "Sand",
    "Shel", "South", "Stan", "Stone", "Sum", "Thorn", "Wal", "West", "White", "Wil", "Win", "Wood", "Wren",
    "Yar",
)  # fmt: skip
PLACE_ENDS = (
    "bridge", "brook", "bury", "by", "combe", "dale", "den", "field", "ford", "gate", "ham", "hurst", "ley",
    "mead", "mere", "minster", "moor", "mouth", "stead", "stow", "thorpe", "ton", "wick", "worth", "well",
)  # fmt: skip
# Combinations that are real, well-known places or councils: left out so every name stays fictional.
REAL_PLACES = frozenset(
    {
        "Ashby", "Ashford", "Ashton", "Ashwell", "Barton", "Blackmoor", "Brighton", "Calton", "Dunstow",
        "Eastbury", "Eastleigh", "Elmbridge", "Fairford", "Greenwich", "Hallam", "Highbury", "Kingsbury",
        "Kingsbridge", "Kingston", "Langley", "Longford", "Longton", "Marlow", "Millbrook", "Northam",
        "Northwick", "Oakham", "Oakley", "Redhill", "Saltford", "Sandhurst", "Southam", "Southwell",
        "Southwick", "Stanley", "Stanford", "Stanton", "Stoneham", "Walton", "Westbury", "Westminster",
        "Westham", "Westwick", "Whitby", "Wilton", "Woodbridge", "Woodford", "Woodley", "Woodstock",
        "Yarmouth", "Barford", "Highgate", "Holmfirth", "Crowthorne", "Kingsley", "Hartley", "Bramley",
        "Wellington", "Shelley", "Winslow", "Thornbury", "Thornton", "Greenford", "Whitworth", "Harthill",
        "Redbridge", "Stonebridge", "Southend", "Rosedale", "Glendale", "Clayton", "Haworth", "Kingsmead",
        "Sandford", "Sandbach", "Sumbury", "Ashbury", "Rookwood", "Millfield", "Northfield", "Westfield",
        "Whitefield", "Greenfield", "Elmstead", "Halstead", "Hampstead", "Wickham", "Windermere", "Wrenbury",
        "Fernhurst", "Hawley", "Holmwood", "Longbridge", "Marlborough", "Salthouse", "Penwortham",
        "Hayfield", "Wimbledon", "Blackley", "Stoneleigh", "Coldstream", "Swanley", "Brookwood", "Hartford",
        "Fairfield", "Wingate", "Blackford", "Sandton", "Oakfield", "Greenham", "Millbury", "Elmfield",
        "Ferndale", "Highfield", "Stanwell", "Whiteley", "Kingshurst", "Penton", "Longley", "Eastbridge",
        "Sandwell", "Halton", "Ashfield", "Highbridge", "Wilford", "Whitemoor", "Longfield", "Redford",
        "Barley", "Langdale", "Dunham", "Bramham", "Highley", "Standen", "Northden", "Eastfield",
    }
)  # fmt: skip
BRANDS = (
    "Anchor", "Applewood", "Beacon", "Bluebell", "Bramble", "Brightwater", "Cedar", "Clearwater", "Compass",
    "Cornerstone", "Driftwood", "Evergreen", "Fieldfare", "Firefly", "Foxglove", "Goldcrest", "Harbourside",
    "Hearthstone", "Heartwood", "Heron", "Hilltop", "Horizon", "Ivybank", "Juniper", "Kestrel", "Keystone",
    "Kingfisher", "Lantern", "Larkspur", "Lighthouse", "Linnet", "Maplewood", "Meadowbank", "Northstar",
    "Oakleaf", "Orchard", "Pathways", "Pebble", "Primrose", "Riverside", "Rowan", "Silverbirch", "Skylark",
    "Snowdrop", "Springwell", "Stepping Stones", "Sunrise", "Swallow", "Thistle", "Tidewater", "Waymark",
    "Wayfarer", "Wildflower", "Willowbrook", "Windmill", "Woodpecker",
)  # fmt: skip
FIRST_NAMES = (
    "Aaliyah", "Abdul", "Adam", "Aisha", "Alex", "Amara", "Amelia", "Amir", "Ana", "Andrew", "Anjali", "Ben",
    "Beth", "Bilal", "Caitlin", "Callum", "Chen", "Chidi", "Chloe", "Claire", "Connor", "Daniel", "Deepa",
    "Dylan", "Eleanor", "Ella", "Emeka", "Emily", "Erin", "Ewa", "Faisal", "Fatima", "Finn", "Freya",
    "Gareth", "Georgia", "Grace", "Hannah", "Harry", "Imran", "Isla", "Jack", "Jade", "James", "Jasmine",
    "Jay", "Joel", "Kai", "Katie", "Kemi", "Kiran", "Laura", "Leah", "Liam", "Lucy", "Maya", "Megan", "Mei",
    "Mohammed", "Nadia", "Nathan", "Niamh", "Noah", "Olivia", "Omar", "Oscar", "Priya", "Rachel", "Rhys",
    "Rosa", "Ruby", "Ryan", "Samuel", "Sara", "Sean", "Shanice", "Sophie", "Tariq", "Tom", "Tomasz",
    "Yasmin", "Zainab", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Adams", "Ahmed", "Ali", "Allen", "Appiah", "Atkinson", "Bailey", "Baker", "Banks", "Begum", "Bell",
    "Bennett", "Brown", "Campbell", "Carter", "Chan", "Chaudhry", "Clarke", "Cole", "Cooper", "Davies",
    "Dawson", "Edwards", "Evans", "Fisher", "Fletcher", "Foster", "Gill", "Green", "Hall", "Harris",
    "Hughes", "Hussain", "Jackson", "James", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King",
    "Kowalski", "Lee", "Lewis", "Mahmood", "Marshall", "Mensah", "Miller", "Mitchell", "Moore", "Morgan",
    "Murphy", "Nowak", "O'Brien", "O'Connor", "Okafor", "Okoro", "Owen", "Palmer", "Parker", "Patel",
    "Phillips", "Price", "Quinn", "Rahman", "Reid", "Richards", "Roberts", "Robinson", "Rose", "Scott",
    "Shah", "Sharma", "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Thompson", "Turner", "Walker",
    "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip


class Namer:
    """Fictional employer and person names, drawn in a fixed order from the plan's random generator;
    ``reserved`` names (the demo employers) are never drawn."""

    def __init__(self, rng: random.Random, *, reserved: set[str]):
        self.rng = rng
        places = [
            start + end
            for start in PLACE_STARTS
            for end in PLACE_ENDS
            if start + end not in REAL_PLACES
            and not start.endswith(end[:1])
            and not (start.endswith("th") and end.startswith("t"))
        ]
        rng.shuffle(places)
        brands = list(BRANDS)
        rng.shuffle(brands)
        self._places = iter(places)
        self._brands = iter(brands)
        self.used: set[str] = set(reserved)

    def place(self) -> str:
        return next(self._places)

    def brand(self) -> str:
        return next(self._brands)

    def unique(self, name: str) -> str:
        assert name not in self.used, name
        self.used.add(name)
        return name

    def employer(self, employer_type: str, region: str) -> tuple[str, bool, bool]:
        """A fictional name and its service areas (child and family, adults)."""
        rng = self.rng
        if employer_type == EmployerType.LOCAL_AUTHORITY:
            if rng.random() < 0.06:
                return self.unique(f"{self.place()} Children's Trust"), True, False
            if region == Region.LONDON:
                kind = "Royal Borough of" if rng.random() < 0.07 else "London Borough of"
                return self.unique(f"{kind} {self.place()}"), True, True
            patterns = ["{} County Council", "{} City Council", "{} Borough Council", "{} Council"]
            if region in METROPOLITAN_REGIONS:
                patterns.append("{} Metropolitan Borough Council")
            return self.unique(rng.choice(patterns).format(self.place())), True, True
        if employer_type == EmployerType.PVI:
            pattern = rng.choice(
                [
                    "{} Social Work Partnership",
                    "{} Family Support",
                    "{} Children's Services",
                    "{} Community Care CIC",
                    "{} Social Care",
                    "{} Youth Trust",
                    "{} Care Group",
                ]
            )
            roll = rng.random()
            adults_only = "Youth" not in pattern and "Children" not in pattern and roll < 0.25
            both = not adults_only and roll > 0.8
            return self.unique(pattern.format(self.brand())), not adults_only, adults_only or both
        if employer_type == EmployerType.FOSTERING:
            pattern = rng.choice(
                ["{} Fostering", "{} Foster Care", "{} Fostering Services", "{} Family Placements"]
            )
            return self.unique(pattern.format(self.brand())), True, False
        if employer_type == EmployerType.NHS:
            pattern = rng.choice(
                [
                    "{} NHS Foundation Trust",
                    "{} Partnership NHS Foundation Trust",
                    "{} Mental Health NHS Trust",
                    "{} Community Healthcare NHS Trust",
                    "{} and {} NHS Foundation Trust",
                ]
            )
            places = [self.place(), self.place()] if "and" in pattern else [self.place()]
            # Adult mental health and community services; about a third also run CAMHS social work.
            return self.unique(pattern.format(*places)), rng.random() < 0.35, True
        if employer_type == EmployerType.SCHOOL:
            pattern = rng.choice(["{} Academy", "{} High School", "{} Learning Trust"])
            return self.unique(pattern.format(self.place())), True, False
        raise ValueError(employer_type)

    def person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)


def email_local(first: str, last: str, n: int) -> str:
    return f"{first}.{last}.{n}".lower().replace("'", "").replace(" ", "-")
